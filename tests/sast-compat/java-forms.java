import javax.crypto.Cipher;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;

class Forms {
    XPath field;

    void typed(XPath xp, Pattern other, String s) throws Exception {
        // ruleid: java-typed-metavariable
        xp.compile(s);
        // ruleid: java-typed-metavariable
        field.compile(s);
        // ok: java-typed-metavariable
        other.compile(s);
        var made = new XPathImpl();
        // ok: java-typed-metavariable
        made.compile(s);
    }

    void ciphers() throws Exception {
        // ruleid: java-string-metavariable
        Cipher a = Cipher.getInstance("DESede/CBC/PKCS5Padding");
        // ok: java-string-metavariable
        Cipher b = Cipher.getInstance("AES/GCM/NoPadding");
        // ok: java-string-metavariable
        Cipher c = Cipher.getInstance(name);
    }

    void xml() throws Exception {
        DocumentBuilderFactory f;
        f = DocumentBuilderFactory.newInstance();
        if (true) {
            log("x");
        }
        // ruleid: java-inside-to-end
        f.newDocumentBuilder();
    }
}
