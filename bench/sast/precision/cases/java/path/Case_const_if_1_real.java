import javax.servlet.http.HttpServletRequest;

public class Case_const_if_1_real {
    static class Box { String user; String role; }

    static String passthrough(String x) { return x.trim(); }

    static String constant(String x) { return "guest"; }

    static void log(String x) { System.out.println(x); }

    public void handle(HttpServletRequest request, java.sql.Connection conn, java.sql.Statement stmt, Runtime rt) throws Exception {
        String p = request.getParameter("q");
        String v;
        if ((7 * 42) - 106 > 200) v = "guest"; else v = p;
        new java.io.FileInputStream(v);
    }
}
