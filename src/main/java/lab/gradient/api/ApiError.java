package lab.gradient.api;

/** An answer other than 2xx, with the JSON body {@code {"error", "field"?}}. */
final class ApiError extends RuntimeException {
    final int status;
    final String field;

    ApiError(int status, String message, String field) {
        super(message);
        this.status = status;
        this.field = field;
    }

    static ApiError badRequest(String field, String message) {
        return new ApiError(400, message, field);
    }

    static ApiError notFound(String what) {
        return new ApiError(404, what + " not found", null);
    }

    static ApiError unauthorized() {
        return new ApiError(401, "this needs the owner's token: send Authorization: Bearer <token>", null);
    }

    static ApiError unknownToken() {
        return new ApiError(401, "this token was not issued by this server: send the token it gave you, or none", null);
    }
}
