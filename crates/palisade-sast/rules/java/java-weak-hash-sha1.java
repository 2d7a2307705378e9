import java.security.MessageDigest;

class H {
    byte[] h(byte[] d) throws Exception {
        // ruleid: java-weak-hash-sha1
        byte[] a = MessageDigest.getInstance("SHA-1").digest(d);
        // ok: java-weak-hash-sha1
        byte[] b = MessageDigest.getInstance("SHA-512").digest(d);
        return a;
    }
}
