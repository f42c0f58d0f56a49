#pragma once
// Result<T>: the value of an operation that can fail in an expected way (bad input, I/O, network,
// exchange rejection). Exceptions are kept for programming errors (shared/DESIGN.md "Errors").

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace kairos {

/// An expected failure with a message a user can act on ("line 12: high 5 is below open 6").
struct Error {
    std::string message;
};

inline Error makeError(std::string message) { return Error{std::move(message)}; }

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}      // NOLINT(implicit)
    Result(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}  // NOLINT(implicit)

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }

    /// The value; calling it on an error is a programming error.
    T& value() & {
        assert(ok());
        return std::get<0>(m_v);
    }
    const T& value() const& {
        assert(ok());
        return std::get<0>(m_v);
    }
    T&& value() && {
        assert(ok());
        return std::get<0>(std::move(m_v));
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const {
        assert(!ok());
        return std::get<1>(m_v);
    }
    const std::string& message() const { return error().message; }

    T valueOr(T fallback) const { return ok() ? std::get<0>(m_v) : std::move(fallback); }

private:
    std::variant<T, Error> m_v;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_ok(false) {}  // NOLINT(implicit)

    bool ok() const { return m_ok; }
    explicit operator bool() const { return m_ok; }
    const Error& error() const {
        assert(!m_ok);
        return m_error;
    }
    const std::string& message() const { return error().message; }

private:
    Error m_error;
    bool m_ok = true;
};

using Status = Result<void>;

}  // namespace kairos
