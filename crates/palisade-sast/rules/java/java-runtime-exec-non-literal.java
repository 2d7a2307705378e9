class Tools {
    void ping(String host) throws Exception {
        // ruleid: java-runtime-exec-non-literal
        Runtime.getRuntime().exec("ping -c 1 " + host);
        // ok: java-runtime-exec-non-literal
        Runtime.getRuntime().exec(new String[] {"ping", "-c", "1", host});
    }
}
