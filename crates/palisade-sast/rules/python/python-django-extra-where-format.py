from django.db.models.expressions import RawSQL

def search(qs, term):
    # ruleid: python-django-extra-where-format
    qs.extra(where=["headline LIKE '%s'" % term])
    # ruleid: python-django-extra-where-format
    qs.annotate(x=RawSQL(f"SELECT 1 WHERE name = '{term}'", ()))
    # ok: python-django-extra-where-format
    qs.extra(where=["headline LIKE %s"], params=[term])
    # ok: python-django-extra-where-format
    qs.annotate(x=RawSQL("SELECT 1 WHERE name = %s", (term,)))
