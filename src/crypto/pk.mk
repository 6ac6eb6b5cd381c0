# crypto, public-key half: SHA-256, HMAC, randomness, RSA-OAEP on GMP, DER/PEM keys.
