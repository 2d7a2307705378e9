import javax.servlet.http.HttpServletRequest;

public class Case_switch_const_0_safe {
    static class Box { String user; String role; }

    static String passthrough(String x) { return x.trim(); }

    static String constant(String x) { return "guest"; }

    static void log(String x) { System.out.println(x); }

    public void handle(HttpServletRequest request, java.sql.Connection conn, java.sql.Statement stmt, Runtime rt) throws Exception {
        String p = request.getParameter("q");
        String v;
        String guess = "ABC";
        switch (guess.charAt(0)) {
            case 'A': v = "guest"; break;
            case 'B': v = p; break;
            default: v = "x"; break;
        }
        stmt.executeQuery("SELECT * FROM users WHERE name = '" + v + "'");
    }
}
