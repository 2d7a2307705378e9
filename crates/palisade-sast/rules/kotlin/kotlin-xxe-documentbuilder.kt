import javax.xml.parsers.DocumentBuilderFactory

fun bad() {
    val dbf = DocumentBuilderFactory.newInstance()
    // ruleid: kotlin-xxe-documentbuilder
    val db = dbf.newDocumentBuilder()
}

fun good() {
    val dbf = DocumentBuilderFactory.newInstance()
    dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true)
    // ok: kotlin-xxe-documentbuilder
    val db = dbf.newDocumentBuilder()
}
