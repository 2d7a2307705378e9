import javax.crypto.Cipher

fun c() {
    // ruleid: kotlin-weak-cipher
    val a = Cipher.getInstance("DESede/CBC/PKCS5Padding")
    // ruleid: kotlin-weak-cipher
    val b = Cipher.getInstance("AES")
    // ok: kotlin-weak-cipher
    val g = Cipher.getInstance("AES/GCM/NoPadding")
}
