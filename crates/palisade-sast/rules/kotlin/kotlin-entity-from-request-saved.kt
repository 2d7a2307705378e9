fun Application.users(repo: UserRepository) {
    routing {
        put("/me") {
            val user = call.receive<User>()
            // ruleid: kotlin-entity-from-request-saved
            repo.save(user)
        }
        put("/me2") {
            val input = call.receive<ProfileInput>()
            // ok: kotlin-entity-from-request-saved
            repo.updateProfile(currentUserId(), input.displayName, input.bio)
        }
    }
}
