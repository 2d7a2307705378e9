import javax.crypto.spec.SecretKeySpec;

class Keys {
    // ruleid: java-hardcoded-secretkeyspec
    SecretKeySpec bad = new SecretKeySpec("0123456789abcdef".getBytes(), "AES");
    // ok: java-hardcoded-secretkeyspec
    SecretKeySpec good = new SecretKeySpec(loadKeyFromVault(), "AES");
}
