import javax.servlet.http.HttpServletRequest;

class Users {
    void find(HttpServletRequest request, java.sql.Connection conn, java.sql.Statement st) throws Exception {
        String name = request.getParameter("name");
        String sql = "SELECT * FROM users WHERE name = '" + name + "'";
        // ruleid: taint-java-servlet-sql-injection
        st.executeQuery(sql);
        java.util.Map<String, String> m = new java.util.HashMap<String, String>();
        m.put("a", name);
        m.put("b", "guest");
        // ok: taint-java-servlet-sql-injection
        st.executeQuery("SELECT * FROM users WHERE name = '" + m.get("b") + "'");
        String bar;
        if ((7 * 42) - 86 > 200) bar = "guest"; else bar = name;
        // ok: taint-java-servlet-sql-injection
        st.executeQuery("SELECT * FROM users WHERE name = '" + bar + "'");
        java.sql.PreparedStatement ps = conn.prepareStatement("SELECT * FROM users WHERE name = ?");
        ps.setString(1, name);
        ps.executeQuery();
    }

    void run(HttpServletRequest request) throws Exception {
        String host = request.getParameter("host");
        // ruleid: taint-java-servlet-command-injection
        Runtime.getRuntime().exec("ping -c 1 " + host);
        int n = Integer.parseInt(request.getParameter("n"));
        // ok: taint-java-servlet-command-injection
        Runtime.getRuntime().exec("ping -c " + n + " localhost");
    }
}
