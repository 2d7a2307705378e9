class Fingerprint
  def call(data)
    # ruleid: ruby-weak-hash-md5
    Digest::MD5.hexdigest(data)
    # ok: ruby-weak-hash-md5
    Digest::SHA256.hexdigest(data)
  end
end
