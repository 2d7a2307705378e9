class Fingerprint
  def call(data)
    # ruleid: ruby-weak-hash-sha1
    Digest::SHA1.hexdigest(data)
    # ok: ruby-weak-hash-sha1
    Digest::SHA256.hexdigest(data)
  end
end
