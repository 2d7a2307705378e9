import javax.xml.xpath.*;

class Users {
    Object find(XPath xp, Object doc, String name) throws Exception {
        // ruleid: java-xpath-concat
        Object a = xp.evaluate("//user[@name='" + name + "']", doc, XPathConstants.NODE);
        // ok: java-xpath-concat
        Object b = xp.evaluate("//user[@name=$name]", doc, XPathConstants.NODE);
        return a;
    }
}
