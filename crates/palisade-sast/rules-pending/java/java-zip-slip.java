import java.io.*;
import java.util.zip.*;

class Unzip {
    void bad(ZipInputStream zis, File dest) throws IOException {
        ZipEntry entry = zis.getNextEntry();
        // ruleid: java-zip-slip
        File out = new File(dest, entry.getName());
    }

    void good(ZipInputStream zis, File dest) throws IOException {
        ZipEntry entry = zis.getNextEntry();
        // ok: java-zip-slip
        File out = new File(dest, entry.getName());
        if (!out.getCanonicalPath().startsWith(dest.getCanonicalPath() + File.separator)) {
            throw new IOException("entry outside target: " + entry.getName());
        }
    }
}
