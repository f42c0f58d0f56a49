#pragma once
int aValue();
