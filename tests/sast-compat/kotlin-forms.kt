fun find(st: Statement, name: String) {
    // ruleid: kotlin-template-metavariable
    st.executeQuery("SELECT * FROM users WHERE name = '${name}'")
    // ok: kotlin-template-metavariable
    st.executeQuery("SELECT * FROM users")
}
