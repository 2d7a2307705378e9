import xml.sax
from xml.sax.handler import feature_external_ges

def parse(stream, handler):
    p = xml.sax.make_parser()
    # ruleid: python-sax-external-entities
    p.setFeature(feature_external_ges, True)
    # ok: python-sax-external-entities
    p.setFeature(feature_external_ges, False)
    p.setContentHandler(handler)
    p.parse(stream)
