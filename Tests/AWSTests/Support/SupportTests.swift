@testable import AWS
import Foundation
import Testing

@Suite("Support: time, encoding, canonical pieces, XML, endpoints, addressing, configuration")
struct SupportTests {
    @Test("UTC timestamps: SigV4 forms, ISO 8601 and HTTP dates, including leap days and offsets")
    func utcTime() throws {
        let date = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z, the suite's date
        #expect(UTCTime.amzDate(date) == "20150830T123600Z")
        #expect(UTCTime.scopeDate(date) == "20150830")
        #expect(UTCTime.amzDate(Date(timeIntervalSince1970: 951_782_400)) == "20000229T000000Z")
        #expect(UTCTime.parseISO8601("2015-08-30T12:36:00Z") == date)
        #expect(UTCTime.parseISO8601("2015-08-30T12:36:00.500Z")?.timeIntervalSince1970 == 1_440_938_160.5)
        #expect(UTCTime.parseISO8601("2015-08-30T14:36:00+02:00") == date)
        #expect(UTCTime.parseISO8601("2000-02-29T00:00:00Z")?.timeIntervalSince1970 == 951_782_400)
        #expect(UTCTime.parseHTTPDate("Sun, 30 Aug 2015 12:36:00 GMT") == date)
        for bad in ["", "2015-08-30", "2015-13-01T00:00:00Z", "2015-08-30T12:36:00", "2015-08-30T12:36:00Zjunk", "x015-08-30T12:36:00Z"] {
            #expect(UTCTime.parseISO8601(bad) == nil, "\(bad) should not parse")
        }
        #expect(UTCTime.parseHTTPDate("Sun, 30 Foo 2015 12:36:00 GMT") == nil)
    }

    @Test("URI encoding: unreserved kept, everything else %XX uppercase, '/' only in paths")
    func uriEncoding() {
        #expect(URIEncoding.encode("AZaz09-_.~") == "AZaz09-_.~")
        #expect(URIEncoding.encode("a b+c=d/e*f'(g)!") == "a%20b%2Bc%3Dd%2Fe%2Af%27%28g%29%21")
        #expect(URIEncoding.encode("a b/c", keepSlash: true) == "a%20b/c")
        #expect(URIEncoding.encode("ሴ") == "%E1%88%B4")
    }

    @Test("canonical request pieces: path normalization, query sorting, header folding")
    func canonicalPieces() {
        #expect(CanonicalRequest.normalize("//example//") == "/example/")
        #expect(CanonicalRequest.normalize("/a/b/../../c/./d") == "/c/d")
        #expect(CanonicalRequest.normalize("/../..") == "/")
        #expect(CanonicalRequest.path("/a b//c", options: .s3) == "/a b//c")
        #expect(CanonicalRequest.path("/a%20b", options: .standard) == "/a%2520b")
        #expect(CanonicalRequest.query([QueryParameter("b", "2"), QueryParameter("a", "y"), QueryParameter("a", "x"), QueryParameter("uploads")])
            == "a=x&a=y&b=2&uploads=")
        #expect(CanonicalRequest.normalizeValue("  a \t b\n  c  ") == "a b c")
        var headers = HTTPHeaders()
        headers.add("X-B", "2")
        headers.add("x-a", " 1 ")
        headers.add("X-B", "3")
        let (block, signed) = CanonicalRequest.headers(headers)
        #expect(block == "x-a:1\nx-b:2,3\n")
        #expect(signed == "x-a;x-b")
    }

    @Test("the XML reader: S3 documents, entities, CDATA, namespaces; malformed input is nil, not a crash")
    func xml() throws {
        let document = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- listing -->
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Name>b</Name><IsTruncated>false</IsTruncated>
              <Contents><Key>a &amp; b &lt;c&gt; &#x1F600; &#233;</Key><Size>3</Size></Contents>
              <Contents><Key><![CDATA[raw <key>]]></Key><Size>4</Size></Contents>
              <s3:Empty/>
            </ListBucketResult>
            """
        let root = try #require(XMLElement.parse(Array(document.utf8)))
        #expect(root.name == "ListBucketResult")
        #expect(root.children("Contents").compactMap { $0.text(of: "Key") } == ["a & b <c> 😀 é", "raw <key>"])
        #expect(root.child("Empty")?.text == "")
        for bad in ["", "<a>", "<a></b>", "<a>&bogus;</a>", "<a><b></a></b>", "text", "<a></a><b></b>"] {
            #expect(XMLElement.parse(Array(bad.utf8)) == nil, "\(bad) should be rejected")
        }
        let deep = String(repeating: "<a>", count: 100) + String(repeating: "</a>", count: 100)
        #expect(XMLElement.parse(Array(deep.utf8)) == nil)
        #expect(XMLEscaping.escape("a&<>\"'\u{1}") == "a&amp;&lt;&gt;&quot;&apos;&#x1;")
    }

    @Test("endpoints parse host, port and base path; the Host header omits default ports")
    func endpoints() throws {
        let local = try #require(Endpoint("http://127.0.0.1:9000/"))
        #expect(local.origin == "http://127.0.0.1:9000")
        #expect(local.isLoopback && local.isIPAddress)
        let aws = try #require(Endpoint("https://S3.eu-west-1.amazonaws.com:443/base/"))
        #expect(aws.hostHeader == "s3.eu-west-1.amazonaws.com")
        #expect(aws.basePath == "/base")
        #expect(!aws.isIPAddress)
        let v6 = try #require(Endpoint("http://[::1]:8080"))
        #expect(v6.host == "::1" && v6.port == 8080 && v6.hostHeader == "[::1]:8080")
        for bad in ["ftp://x", "http://", "http://h:0", "http://h:99999", "s3.amazonaws.com", "http://user@host"] {
            #expect(Endpoint(bad) == nil, "\(bad) should be rejected")
        }
    }

    @Test("addressing: automatic picks path style for IPs, localhost and dotted buckets over TLS")
    func addressing() throws {
        let aws = try #require(Endpoint("https://s3.us-east-1.amazonaws.com"))
        let local = try #require(Endpoint("http://localhost:9000"))
        #expect(!S3Addressing.automatic.usesPathStyle(bucket: "my-bucket", endpoint: aws, isCustomEndpoint: false))
        #expect(S3Addressing.automatic.usesPathStyle(bucket: "my.bucket", endpoint: aws, isCustomEndpoint: false))
        #expect(S3Addressing.automatic.usesPathStyle(bucket: "My_Bucket", endpoint: aws, isCustomEndpoint: false))
        #expect(S3Addressing.automatic.usesPathStyle(bucket: "b", endpoint: local, isCustomEndpoint: true))
        #expect(S3Addressing.pathStyle.usesPathStyle(bucket: "my-bucket", endpoint: aws, isCustomEndpoint: false))
        #expect(!S3Addressing.virtualHosted.usesPathStyle(bucket: "my.bucket", endpoint: aws, isCustomEndpoint: false))
        #expect(S3Addressing(configValue: "virtual") == .virtualHosted)
        #expect(S3Addressing(configValue: "sideways") == nil)
    }

    @Test("configuration validation rejects part sizes and counts S3 cannot take")
    func configurationValidation() {
        #expect(throws: AWSError.self) { try S3Configuration(partSize: 5 * 1024 * 1024 - 1).validate() }
        #expect(throws: AWSError.self) { try S3Configuration(maxPartsInFlight: 0).validate() }
        #expect(throws: AWSError.self) { try S3Configuration(region: "").validate() }
        #expect(throws: Never.self) { try S3Configuration().validate() }
        #expect(S3Configuration().resolvedEndpoint.description == "https://s3.us-east-1.amazonaws.com")
    }
}
