"""Standard Webhooks signing: the spec's test vector and the reference library's verifier."""

import base64
import json
import random
import time

import pytest
import standardwebhooks

from syndication.webhooks import signing


class TestSigning:
    def test_reproduces_the_specification_test_vector(self):
        signature = signing.sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            b'{"test": 2432232314}',
        )
        assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

    def test_generated_secret_is_whsec_and_32_random_bytes(self):
        secret = signing.generate_secret()
        assert secret.startswith("whsec_")
        assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
        assert secret != signing.generate_secret()

    def test_one_thousand_random_deliveries_verify_with_the_reference_library(self):
        rng = random.Random(4)
        for i in range(1000):
            secret = signing.generate_secret()
            webhook_id = f"evt_{rng.getrandbits(64):x}"
            body = json.dumps(
                {
                    "id": webhook_id,
                    "n": i,
                    "text": "".join(
                        rng.choice('åäöabc {}"\\') for _ in range(rng.randrange(0, 200))
                    ),
                },
                ensure_ascii=False,
            ).encode()
            headers = signing.signed_headers([secret], webhook_id, int(time.time()), body)
            assert standardwebhooks.Webhook(secret).verify(body, headers)["n"] == i

    def test_rotation_sends_both_signatures_and_each_secret_verifies(self):
        old, new = signing.generate_secret(), signing.generate_secret()
        body = b'{"id":"evt_1"}'
        headers = signing.signed_headers([new, old], "evt_1", int(time.time()), body)
        assert len(headers["webhook-signature"].split(" ")) == 2
        for secret in (old, new):
            standardwebhooks.Webhook(secret).verify(body, headers)
        with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
            standardwebhooks.Webhook(signing.generate_secret()).verify(body, headers)

    def test_tampered_body_fails_verification(self):
        secret = signing.generate_secret()
        headers = signing.signed_headers([secret], "evt_1", int(time.time()), b'{"a":1}')
        with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
            standardwebhooks.Webhook(secret).verify(b'{"a":2}', headers)
