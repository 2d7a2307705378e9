from Crypto.Cipher import DES, AES
import Crypto.Cipher

# ruleid: py-alias-metavariable-chain
DES.new(key, DES.MODE_CBC)
# ruleid: py-alias-metavariable-chain
Crypto.Cipher.ARC4.new(key)
# ok: py-alias-metavariable-chain
AES.new(key, AES.MODE_GCM)

# ruleid: py-fstring-metavariable
cur.execute(f"SELECT * FROM t WHERE id = {user_id}")
# ok: py-fstring-metavariable
cur.execute("SELECT * FROM t")

# ruleid: py-any-fstring
cur.executemany(f"SELECT * FROM t WHERE id = {user_id}")
# ruleid: py-any-fstring
cur.executemany(f"SELECT 1")
# ok: py-any-fstring
cur.executemany("SELECT * FROM t WHERE name = $name")

# ruleid: py-field-chain-ellipsis
User.objects.raw(q)
# ruleid: py-field-chain-ellipsis
User.objects.using("replica").filter(a=1).raw(q)
# ok: py-field-chain-ellipsis
User.manager.raw(q)
