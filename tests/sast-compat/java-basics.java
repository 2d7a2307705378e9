import java.security.MessageDigest;

class A {
    void run(String cmd, Statement st, String id) throws Exception {
        // ruleid: java-exec
        Runtime.getRuntime().exec(cmd);
        // ok: java-exec
        Runtime.getRuntime().availableProcessors();
        // ruleid: java-import
        MessageDigest md = MessageDigest.getInstance("MD5");
        // ok: java-import
        MessageDigest ok = MessageDigest.getInstance("SHA-256");
        // ruleid: java-inside-method
        st.executeQuery("SELECT * FROM t WHERE id=" + id);
        // ok: java-inside-method
        st.executeQuery("SELECT 1");
    }
}
