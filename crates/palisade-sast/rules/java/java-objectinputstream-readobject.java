import java.io.*;

class Restore {
    Object bad(InputStream in) throws Exception {
        ObjectInputStream ois = new ObjectInputStream(in);
        // ruleid: java-objectinputstream-readobject
        return ois.readObject();
    }

    Object good(InputStream in) throws Exception {
        ObjectInputStream ois = new ObjectInputStream(in);
        ois.setObjectInputFilter(ObjectInputFilter.Config.createFilter("com.example.dto.*;!*"));
        // ok: java-objectinputstream-readobject
        return ois.readObject();
    }
}
