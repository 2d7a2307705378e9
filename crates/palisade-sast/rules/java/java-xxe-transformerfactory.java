import javax.xml.transform.*;
import javax.xml.XMLConstants;

class Xslt {
    void bad() throws Exception {
        TransformerFactory tf = TransformerFactory.newInstance();
        // ruleid: java-xxe-transformerfactory
        Transformer t = tf.newTransformer();
    }

    void good() throws Exception {
        TransformerFactory tf = TransformerFactory.newInstance();
        tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        // ok: java-xxe-transformerfactory
        Transformer t = tf.newTransformer();
    }
}
