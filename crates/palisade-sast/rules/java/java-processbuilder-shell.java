class Tools {
    void archive(String name) throws Exception {
        // ruleid: java-processbuilder-shell
        new ProcessBuilder("sh", "-c", "tar czf /tmp/out.tgz " + name).start();
        // ok: java-processbuilder-shell
        new ProcessBuilder("tar", "czf", "/tmp/out.tgz", "--", name).start();
    }
}
