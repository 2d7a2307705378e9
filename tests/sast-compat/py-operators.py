import yaml
import pickle

# ruleid: py-patterns-not
yaml.load(data)
# ok: py-patterns-not
yaml.load(data, Loader=yaml.SafeLoader)

# ruleid: py-either
eval(code)
# ruleid: py-either
exec(code)
# ok: py-either
evaluate(code)

for row in rows:
    # ruleid: py-inside
    cur.execute(row)
# ok: py-inside
cur.execute(single)

# ruleid: py-not-inside
pickle.loads(blob)
if trusted:
    # ok: py-not-inside
    pickle.loads(blob)

# ruleid: py-regex
x = 1  # TODO(alice) fix
# ok: py-regex
y = 2  # TODO(bot) fix

# ok: py-metavariable-regex
hashlib_md5(data)
# ruleid: py-metavariable-regex
sha1(data)
# ok: py-metavariable-regex
sha256(data)

# ruleid: py-metavariable-pattern
cur.execute("SELECT %s" % name)
# ruleid: py-metavariable-pattern
cur.execute("SELECT {}".format(name))
# ok: py-metavariable-pattern
cur.execute("SELECT 1")

# ruleid: py-metavariable-comparison
rsa.generate_private_key(public_exponent=65537, key_size=1024)
# ok: py-metavariable-comparison
rsa.generate_private_key(public_exponent=65537, key_size=4096)

# ruleid: py-comparison-string
jwt.decode(token, key, algorithms=["none"])
# ok: py-comparison-string
jwt.decode(token, key, algorithms=["HS256"])

connect(host,
        # ruleid: py-focus
        password="hunter2")

# ruleid: py-fix
yaml.unsafe_load(stream)

# ruleid: py-paths
debug_dump(state)

# nosemgrep
eval(code)
# ok: py-either
eval(code)  # nosemgrep: py-either
