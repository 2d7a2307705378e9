import random, secrets, string

def new_reset():
    # ruleid: python-random-for-secret
    reset_token = "".join(random.choice(string.ascii_letters) for _ in range(32))
    # ok: python-random-for-secret
    reset_token = secrets.token_urlsafe(32)
    # ok: python-random-for-secret
    jitter = random.randint(0, 100)
    return reset_token, jitter
