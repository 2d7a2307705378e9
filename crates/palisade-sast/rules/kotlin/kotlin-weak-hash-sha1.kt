import java.security.MessageDigest

fun h(d: ByteArray): ByteArray {
    // ruleid: kotlin-weak-hash-sha1
    val a = MessageDigest.getInstance("SHA-1").digest(d)
    // ok: kotlin-weak-hash-sha1
    val b = MessageDigest.getInstance("SHA-512").digest(d)
    return a
}
