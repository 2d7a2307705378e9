import javax.xml.xpath.*

fun find(xp: XPath, doc: Any, name: String) {
    // ruleid: kotlin-xpath-template
    val a = xp.evaluate("//user[@name='$name']", doc, XPathConstants.NODE)
    // ok: kotlin-xpath-template
    val b = xp.evaluate("//user[@name=\$name]", doc, XPathConstants.NODE)
}
