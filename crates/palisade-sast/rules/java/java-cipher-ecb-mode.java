import javax.crypto.Cipher;

class C {
    void c() throws Exception {
        // ruleid: java-cipher-ecb-mode
        Cipher a = Cipher.getInstance("AES");
        // ruleid: java-cipher-ecb-mode
        Cipher b = Cipher.getInstance("AES/ECB/PKCS5Padding");
        // ok: java-cipher-ecb-mode
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    }
}
