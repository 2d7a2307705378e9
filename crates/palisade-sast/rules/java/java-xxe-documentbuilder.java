import javax.xml.parsers.*;

class Xml {
    void bad() throws Exception {
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        // ruleid: java-xxe-documentbuilder
        DocumentBuilder db = dbf.newDocumentBuilder();
    }

    void good() throws Exception {
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        // ok: java-xxe-documentbuilder
        DocumentBuilder db = dbf.newDocumentBuilder();
    }
}
