import os, psycopg2

# ruleid: python-hardcoded-password-argument
conn = psycopg2.connect(host="db", user="app", password="s3cr3t-Passw0rd")
# ok: python-hardcoded-password-argument
conn2 = psycopg2.connect(host="db", user="app", password=os.environ["DB_PASSWORD"])
