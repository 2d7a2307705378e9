fun archive(name: String) {
    // ruleid: kotlin-runtime-exec-non-literal
    Runtime.getRuntime().exec("tar czf /tmp/out.tgz $name")
    // ruleid: kotlin-runtime-exec-non-literal
    ProcessBuilder("sh", "-c", "tar czf /tmp/out.tgz " + name).start()
    // ok: kotlin-runtime-exec-non-literal
    ProcessBuilder("tar", "czf", "/tmp/out.tgz", "--", name).start()
}
