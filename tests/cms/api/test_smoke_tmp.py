import json
import pytest

@pytest.mark.django_db
def test_smoke(demo_site, client):
    r = client.get("/api/v2/pages/?fields=*&limit=100")
    print(r.status_code, r.content[:3000].decode())
    data = r.json()
    for item in data["items"]:
        d = client.get(f"/api/v2/pages/{item['id']}/")
        assert d.status_code == 200, d.content
    print(json.dumps(client.get(f"/api/v2/pages/?type=cms.ProgramPage&fields=*&limit=1").json(), indent=1, ensure_ascii=False)[:6000])
    print(json.dumps(client.get(f"/api/v2/pages/?type=cms.ArticlePage&fields=body&limit=1").json(), indent=1, ensure_ascii=False)[:6000])
