from sqlalchemy import text

def by_email(session, email):
    # ruleid: python-sqlalchemy-text-format
    session.execute(text(f"SELECT id FROM account WHERE email = '{email}'"))
    # ok: python-sqlalchemy-text-format
    session.execute(text("SELECT id FROM account WHERE email = :email"), {"email": email})
