import java.util.Random;
import java.security.SecureRandom;

class Tokens {
    String reset() {
        // ruleid: java-insecure-random-secret
        String resetToken = Long.toHexString(new Random().nextLong());
        SecureRandom sr = new SecureRandom();
        // ok: java-insecure-random-secret
        String resetToken2 = Long.toHexString(sr.nextLong());
        // ok: java-insecure-random-secret
        int jitter = new Random().nextInt(100);
        return resetToken;
    }
}
