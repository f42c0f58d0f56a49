#pragma once
inline int hidden() { return 2; }
