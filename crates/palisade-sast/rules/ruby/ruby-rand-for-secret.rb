class ResetService
  def call
    # ruleid: ruby-rand-for-secret
    reset_token = rand(36**32).to_s(36)
    # ok: ruby-rand-for-secret
    reset_token2 = SecureRandom.urlsafe_base64(32)
    # ok: ruby-rand-for-secret
    retry_delay = rand(100)
  end
end
