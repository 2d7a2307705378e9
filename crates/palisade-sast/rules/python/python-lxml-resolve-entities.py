from lxml import etree

def parse(data):
    # ruleid: python-lxml-resolve-entities
    parser = etree.XMLParser(dtd_validation=True)
    # ok: python-lxml-resolve-entities
    safe = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.fromstring(data, safe)
