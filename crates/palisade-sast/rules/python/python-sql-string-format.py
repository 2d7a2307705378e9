def find_user(conn, name):
    cur = conn.cursor()
    # ruleid: python-sql-string-format
    cur.execute("SELECT * FROM users WHERE name = '%s'" % name)
    # ruleid: python-sql-string-format
    cur.execute(f"SELECT * FROM users WHERE name = '{name}'")
    q = "DELETE FROM users WHERE id = %s" % name
    # ruleid: python-sql-string-format
    cur.execute(q)
    # ruleid: python-sql-string-format
    User.objects.raw("SELECT * FROM app_user WHERE name = '" + name + "'")
    # ok: python-sql-string-format
    cur.execute("SELECT * FROM users WHERE name = %s", (name,))
    # ok: python-sql-string-format
    User.objects.raw("SELECT * FROM app_user WHERE name = %s", [name])
    # ok: python-sql-string-format
    cur.execute("SELECT COUNT(*) FROM %s" % conn.ops.quote_name(table))
