import javax.crypto.Cipher;

class C {
    void c() throws Exception {
        // ruleid: java-weak-cipher-algorithm
        Cipher a = Cipher.getInstance("DESede/CBC/PKCS5Padding");
        // ok: java-weak-cipher-algorithm
        Cipher b = Cipher.getInstance("AES/GCM/NoPadding");
    }
}
