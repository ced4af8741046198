def postprocess(result, generator, request, public):
    return result
