import java.security.SecureRandom
import kotlin.random.Random

fun reset(): String {
    // ruleid: kotlin-insecure-random-secret
    val resetToken = Random.nextLong().toString(16)
    // ok: kotlin-insecure-random-secret
    val resetToken2 = SecureRandom().nextLong().toString(16)
    // ok: kotlin-insecure-random-secret
    val jitter = Random.nextInt(100)
    return resetToken
}
