import javax.xml.stream.*;
import java.io.InputStream;

class Stax {
    void bad(InputStream in) throws Exception {
        XMLInputFactory f = XMLInputFactory.newInstance();
        // ruleid: java-xxe-xmlinputfactory
        XMLStreamReader r = f.createXMLStreamReader(in);
    }

    void good(InputStream in) throws Exception {
        XMLInputFactory f = XMLInputFactory.newInstance();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        // ok: java-xxe-xmlinputfactory
        XMLStreamReader r = f.createXMLStreamReader(in);
    }
}
