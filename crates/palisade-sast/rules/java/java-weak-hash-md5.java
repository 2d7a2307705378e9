import java.security.MessageDigest;

class H {
    byte[] h(byte[] d) throws Exception {
        // ruleid: java-weak-hash-md5
        byte[] a = MessageDigest.getInstance("MD5").digest(d);
        // ok: java-weak-hash-md5
        byte[] b = MessageDigest.getInstance("SHA-256").digest(d);
        return a;
    }
}
