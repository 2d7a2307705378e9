import javax.xml.parsers.*;

class Sax {
    void bad() throws Exception {
        SAXParserFactory spf = SAXParserFactory.newInstance();
        // ruleid: java-xxe-saxparser
        SAXParser p = spf.newSAXParser();
    }

    void good() throws Exception {
        SAXParserFactory spf = SAXParserFactory.newInstance();
        spf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        // ok: java-xxe-saxparser
        SAXParser p = spf.newSAXParser();
    }
}
