import javax.xml.stream.XMLInputFactory
import java.io.InputStream

fun bad(input: InputStream) {
    val f = XMLInputFactory.newInstance()
    // ruleid: kotlin-xxe-xmlinputfactory
    val r = f.createXMLStreamReader(input)
}

fun good(input: InputStream) {
    val f = XMLInputFactory.newInstance()
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false)
    // ok: kotlin-xxe-xmlinputfactory
    val r = f.createXMLStreamReader(input)
}
