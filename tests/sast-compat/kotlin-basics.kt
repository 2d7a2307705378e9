import java.security.MessageDigest

fun run(cmd: String) {
    // ruleid: kt-exec
    Runtime.getRuntime().exec(cmd)
    // ok: kt-exec
    Runtime.getRuntime().gc()
    // ruleid: kt-md5
    val md = MessageDigest.getInstance("MD5")
    // ok: kt-md5
    val ok = MessageDigest.getInstance("SHA-256")
}
