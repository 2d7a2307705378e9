import java.beans.XMLDecoder;
import java.io.InputStream;

class Beans {
    Object load(InputStream in) {
        // ruleid: java-xmldecoder
        XMLDecoder d = new XMLDecoder(in);
        // ok: java-xmldecoder
        Object o = mapper.readValue(in, Settings.class);
        return d.readObject();
    }
}
