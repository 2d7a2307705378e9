import java.security.MessageDigest;

class Hashes {
    byte[] digest(byte[] data) throws Exception {
        // ruleid: java-weak-hash-md5
        MessageDigest md = MessageDigest.getInstance("MD5");
        // ruleid: java-weak-hash-md5
        MessageDigest sha = MessageDigest.getInstance("SHA1");
        // ok: java-weak-hash-md5
        MessageDigest good = MessageDigest.getInstance("SHA-256");
        return md.digest(data);
    }
}
