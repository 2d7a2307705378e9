import java.io.File

fun archive(name: String) {
    // ruleid: kotlin-runtime-exec-non-literal
    Runtime.getRuntime().exec("tar czf /tmp/out.tgz ${name}")
    // ruleid: kotlin-runtime-exec-non-literal
    ProcessBuilder("sh", "-c", "tar czf /tmp/out.tgz " + name).start()
    // ok: kotlin-runtime-exec-non-literal
    ProcessBuilder("tar", "czf", "/tmp/out.tgz", "--", name).start()
}

fun convert(input: File, format: String) {
    val cmd = "convert " + input.path + " out." + format
    // ruleid: kotlin-runtime-exec-non-literal
    val p = Runtime.getRuntime().exec(cmd)
    p.waitFor()
    // ok: kotlin-runtime-exec-non-literal
    Runtime.getRuntime().exec(arrayOf("convert", input.path, "out.png")).waitFor()
    // ok: kotlin-runtime-exec-non-literal
    Runtime.getRuntime().exec("uptime")
}
