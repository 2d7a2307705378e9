import javax.servlet.http.HttpServletRequest;

public class Case_format_0_safe {
    static class Box { String user; String role; }

    static String passthrough(String x) { return x.trim(); }

    static String constant(String x) { return "guest"; }

    static void log(String x) { System.out.println(x); }

    public void handle(HttpServletRequest request, java.sql.Connection conn, java.sql.Statement stmt, Runtime rt) throws Exception {
        String p = request.getParameter("q");
        String v = String.format("%d", p.length());
        new java.io.File(v);
    }
}
