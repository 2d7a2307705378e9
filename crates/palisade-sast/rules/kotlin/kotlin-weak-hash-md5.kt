import java.security.MessageDigest

fun h(d: ByteArray): ByteArray {
    // ruleid: kotlin-weak-hash-md5
    val a = MessageDigest.getInstance("MD5").digest(d)
    // ok: kotlin-weak-hash-md5
    val b = MessageDigest.getInstance("SHA-256").digest(d)
    return a
}
